package ai.prometheus.shared.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.problem.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageRequestTest {

    @Test
    void absentParametersAskForTheFirstPageOfFifty() {
        PageRequest paging = PageRequest.of(null, null);

        assertEquals(new PageRequest(0, PageRequest.DEFAULT_SIZE), paging);
        assertEquals(0, paging.offset());
        assertEquals(51, paging.rows());
    }

    @Test
    void aLaterPageStartsAfterTheOnesBeforeAndFetchesOneRowMore() {
        PageRequest paging = PageRequest.of(3, 20);

        assertEquals(60, paging.offset());
        assertEquals(21, paging.rows());
    }

    @Test
    void theExtraRowTellsThatAnotherPageFollowsAndIsNotShown() {
        PageRequest paging = PageRequest.of(1, 2);

        PageResult<String> more = paging.answer(List.of(1, 2, 3), String::valueOf);
        PageResult<String> last = paging.answer(List.of(1), String::valueOf);

        assertEquals(new PageResult<>(List.of("1", "2"), 1, 2, true), more);
        assertTrue(more.hasMore());
        assertEquals(List.of("1"), last.items());
        assertFalse(last.hasMore());
    }

    @Test
    void aPageOrSizeOutOfRangeIsA400NamingIt() {
        ProblemException page = assertThrows(ProblemException.class, () -> PageRequest.of(-1, 10));
        ProblemException size = assertThrows(ProblemException.class, () -> PageRequest.of(0, Params.MAX_PAGE_SIZE + 1));

        assertEquals("page", page.errors().get(0).field());
        assertEquals("size", size.errors().get(0).field());
    }
}
